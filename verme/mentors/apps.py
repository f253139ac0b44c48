from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorsConfig(AppConfig):
    name = "verme.mentors"
    verbose_name = _("Mentors")
