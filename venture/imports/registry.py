"""The import kinds by ImportKind."""

from venture.imports.communities import CommunityKind
from venture.imports.enums import ImportKind
from venture.imports.experts import ExpertKind
from venture.imports.organizations import OrganizationKind
from venture.imports.projects import ProjectKind

KINDS = {
    ImportKind.ORGANIZATIONS: OrganizationKind(),
    ImportKind.EXPERTS: ExpertKind(),
    ImportKind.COMMUNITIES: CommunityKind(),
    ImportKind.PROJECTS: ProjectKind(),
}


def kind_for(kind):
    return KINDS[ImportKind(kind)]
