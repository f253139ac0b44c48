"""The Atom feed of an organisation's open rounds (Django's syndication framework)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verme.announcements.selectors import organisation_announced_rounds
from verme.organisations.models import Organisation
from verme.rounds.models import Round


class RoundsFeed(Feed[Round, Organisation]):
    feed_type = Atom1Feed

    def __init__(self, *, language: str) -> None:
        super().__init__()
        self.language = language

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Organisation:
        organisation: Organisation = kwargs["organisation"]
        return organisation

    def title(self, obj: Organisation) -> str:
        return _("Verme peer-group mentoring: %(organisation)s") % {
            "organisation": obj.display_name
        }

    def subtitle(self, obj: Organisation) -> str:
        return _("Rounds of peer-group mentoring open for sign-up.")

    def link(self, obj: Organisation) -> str:
        return reverse("front")

    def feed_url(self, obj: Organisation) -> str:
        return reverse("announcements:feed", kwargs={"slug": obj.slug}) + f"?lang={self.language}"

    def items(self, obj: Organisation) -> list[Round]:
        return list(organisation_announced_rounds(organisation=obj))

    def item_title(self, item: Round) -> str:
        return f"{item.display_name} {item.school_year}"

    def item_description(self, item: Round) -> str:
        return _("Sign-up is open from %(opens)s to %(closes)s.") % {
            "opens": date_format(item.signup_opens_on),
            "closes": date_format(item.signup_closes_on),
        }

    def item_link(self, item: Round) -> str:
        path = reverse(
            "announcements:page", kwargs={"slug": item.organisation.slug, "round_id": item.pk}
        )
        return f"{path}?lang={self.language}"

    def item_guid(self, item: Round) -> str:
        # One identity per round whatever the language, so readers do not show it twice.
        path = reverse(
            "announcements:page", kwargs={"slug": item.organisation.slug, "round_id": item.pk}
        )
        return f"{settings.SITE_URL}{path}"

    def item_pubdate(self, item: Round) -> datetime.datetime:
        return item.created_at

    def item_updateddate(self, item: Round) -> datetime.datetime:
        return item.updated_at
