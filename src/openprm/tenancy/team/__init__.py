"""People management: the team API and pages (users, memberships, invitations)."""
