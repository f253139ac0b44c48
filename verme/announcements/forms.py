from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verme.announcements.staff_list import StaffList, StaffListError, staff_list_parse
from verme.organisations.models import Organisation

MAX_FILE_BYTES = 2 * 1024 * 1024


class StaffListForm(forms.Form):
    """A staff list to announce the round to; the rows are checked before anything is sent."""

    staff_list = forms.FileField(
        label=_("Staff list (CSV)"),
        help_text=_(
            "A CSV file whose first row names the columns: name, email and, optionally, "
            "language (fi, sv or en). Without a language, the organisation's main language is "
            "used. Commas and semicolons both work."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.parsed: StaffList | None = None

    def clean_staff_list(self) -> Any:
        upload = self.cleaned_data["staff_list"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 2 MB."))
        try:
            self.parsed = staff_list_parse(
                data=upload.read(), default_language=self.organisation.languages[0]
            )
        except StaffListError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
