from __future__ import annotations

from django_tasks import task

from verme.groups.services import proposal_run
from verme.organisations.models import Organisation


@task()
def run_proposal(organisation_id: int, proposal_id: int) -> str:
    """Background run of the optimiser for one proposal (see ``proposal_run``)."""
    organisation = Organisation.objects.get(pk=organisation_id)
    return proposal_run(organisation=organisation, proposal_id=proposal_id).status
