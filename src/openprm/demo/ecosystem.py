"""Builds the demo ecosystem: vendor staff, distributors, resellers and their users.

Deterministic: the same seed gives the same partners, names and users every time.
Later capabilities add their own builders and call them from ``seed_demo``.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.partners.choices import PartnerStatus, PartnerType, Region
from openprm.partners.models import Partner
from openprm.partners.services import partner_create
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Membership

DEMO_DOMAIN = "openprm.example"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    description: str


VENDOR_LOGINS = [
    DemoLogin(f"admin@{DEMO_DOMAIN}", "vendor admin (also Django admin)"),
    DemoLogin(f"channel.manager@{DEMO_DOMAIN}", "channel manager"),
    DemoLogin(f"marketing@{DEMO_DOMAIN}", "channel marketing"),
    DemoLogin(f"finance@{DEMO_DOMAIN}", "finance"),
    DemoLogin(f"analyst@{DEMO_DOMAIN}", "analyst (read-only)"),
]
VENDOR_ROLES = [
    VendorRole.VENDOR_ADMIN,
    VendorRole.CHANNEL_MANAGER,
    VendorRole.CHANNEL_MARKETING,
    VendorRole.FINANCE,
    VendorRole.ANALYST,
]
DISTRIBUTOR_LOGIN = DemoLogin(
    f"distributor@{DEMO_DOMAIN}",
    "partner admin of Northwind Distribution (distributor)",
)
PARTNER_LOGIN = DemoLogin(
    f"partner@{DEMO_DOMAIN}",
    "partner admin of Contoso Solutions (reseller beneath Northwind)",
)
DEMO_LOGINS = [*VENDOR_LOGINS, DISTRIBUTOR_LOGIN, PARTNER_LOGIN]

# Country, region and a few cities: where the demo channel operates.
COUNTRIES = [
    ("US", Region.NORTH_AMERICA, ["Austin", "Chicago", "Denver", "Seattle", "Boston"]),
    ("CA", Region.NORTH_AMERICA, ["Toronto", "Vancouver", "Montreal"]),
    ("MX", Region.LATIN_AMERICA, ["Mexico City", "Monterrey"]),
    ("BR", Region.LATIN_AMERICA, ["São Paulo", "Curitiba"]),
    ("GB", Region.EMEA, ["London", "Manchester", "Leeds"]),
    ("DE", Region.EMEA, ["Berlin", "Munich", "Hamburg"]),
    ("FR", Region.EMEA, ["Paris", "Lyon"]),
    ("NL", Region.EMEA, ["Amsterdam", "Utrecht"]),
    ("ES", Region.EMEA, ["Madrid", "Barcelona"]),
    ("SE", Region.EMEA, ["Stockholm", "Gothenburg"]),
    ("ZA", Region.EMEA, ["Cape Town", "Johannesburg"]),
    ("AE", Region.EMEA, ["Dubai"]),
    ("IN", Region.APAC, ["Bengaluru", "Pune"]),
    ("SG", Region.APAC, ["Singapore"]),
    ("AU", Region.APAC, ["Sydney", "Melbourne"]),
    ("JP", Region.APAC, ["Tokyo", "Osaka"]),
]
NAME_FIRST = [
    "Blue",
    "Bright",
    "Cedar",
    "Clear",
    "Coastal",
    "Crest",
    "Delta",
    "Eagle",
    "Ember",
    "Granite",
    "Harbor",
    "Iron",
    "Juniper",
    "Keystone",
    "Lumen",
    "Maple",
    "Nimbus",
    "North",
    "Oak",
    "Orbit",
    "Peak",
    "Pine",
    "Quartz",
    "Red",
    "River",
    "Silver",
    "Summit",
    "Swift",
    "Terra",
    "Vertex",
    "West",
    "Zenith",
]
NAME_SECOND = [
    "Bridge",
    "Cloud",
    "Data",
    "Edge",
    "Field",
    "Forge",
    "Gate",
    "Grid",
    "Line",
    "Logic",
    "Net",
    "Path",
    "Point",
    "Scale",
    "Shift",
    "Stack",
    "Stone",
    "Wave",
]
NAME_SUFFIX = {
    PartnerType.DISTRIBUTOR: ["Distribution", "Supply", "Channel Group"],
    PartnerType.RESELLER: ["Solutions", "Systems", "IT", "Technologies"],
    PartnerType.MANAGED_SERVICE_PROVIDER: ["Managed Services", "Cloud Services"],
    PartnerType.SYSTEM_INTEGRATOR: ["Integration", "Consulting", "Partners"],
    PartnerType.ISV: ["Software", "Labs"],
    PartnerType.REFERRAL: ["Advisory", "Associates"],
    PartnerType.AGENCY: ["Digital", "Creative"],
}
PEOPLE_FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Diego",
    "Elena",
    "Farah",
    "Gustav",
    "Hana",
    "Ivan",
    "Julia",
    "Kenji",
    "Lena",
    "Marco",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Yusuf",
    "Zoe",
]
PEOPLE_LAST = [
    "Andersen",
    "Baker",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "García",
    "Hughes",
    "Ito",
    "Jansen",
    "Khan",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Weber",
]
# Standalone partners by type, as weights of a realistic channel mix.
STANDALONE_TYPES = [
    (PartnerType.RESELLER, 40),
    (PartnerType.MANAGED_SERVICE_PROVIDER, 18),
    (PartnerType.SYSTEM_INTEGRATOR, 15),
    (PartnerType.REFERRAL, 12),
    (PartnerType.ISV, 8),
    (PartnerType.AGENCY, 7),
]
STATUS_WEIGHTS = [
    (PartnerStatus.ACTIVE, 60),
    (PartnerStatus.PROSPECT, 15),
    (PartnerStatus.APPLICANT, 6),
    (PartnerStatus.ONBOARDING, 9),
    (PartnerStatus.SUSPENDED, 6),
    (PartnerStatus.TERMINATED, 4),
]
# Statuses whose partners have people signing in to the portal.
STATUSES_WITH_USERS = {
    PartnerStatus.ONBOARDING,
    PartnerStatus.ACTIVE,
    PartnerStatus.SUSPENDED,
}


class EcosystemBuilder:
    """Creates the demo channel with a fixed random seed."""

    def __init__(self, *, seed: int, partner_count: int, password: str) -> None:
        self.random = random.Random(seed)
        self.partner_count = partner_count
        # One hash for every demo user: hashing hundreds of times would take minutes.
        self.password_hash = make_password(password)
        self.used_names: set[str] = set()
        self.users: list[User] = []
        self.memberships: list[tuple[int, Partner, list[str]]] = []

    @transaction.atomic
    def build(self) -> dict[str, int]:
        self._vendor_staff()
        partners = self._fixed_partners()
        remaining = self.partner_count - len(partners)
        partners += self._distributor_trees(budget=remaining // 3)
        remaining = self.partner_count - len(partners)
        partners += [self._standalone_partner() for _ in range(max(remaining, 0))]
        for partner in partners:
            if partner.status in STATUSES_WITH_USERS and not self._has_fixed_admin(
                partner
            ):
                self._partner_people(partner)
        self._save_people()
        return {
            "partners": len(partners),
            "users": User.objects.count(),
            "memberships": Membership.objects.count(),
        }

    # --- vendor -------------------------------------------------------------------
    def _vendor_staff(self) -> None:
        names = ["Alex Morgan", "Casey Brooks", "Jordan Lee", "Robin Shah", "Sam Ortiz"]
        for login, role, name in zip(VENDOR_LOGINS, VENDOR_ROLES, names, strict=True):
            is_admin = role == VendorRole.VENDOR_ADMIN
            self.users.append(
                User(
                    email=login.email,
                    full_name=name,
                    vendor_role=role,
                    # The channel manager looks after EMEA: its partners,
                    # applications, deals and leads are theirs to act on.
                    territories=["EMEA"] if role == VendorRole.CHANNEL_MANAGER else [],
                    is_staff=is_admin,
                    is_superuser=is_admin,
                    password=self.password_hash,
                )
            )

    # --- partners -----------------------------------------------------------------
    def _fixed_partners(self) -> list[Partner]:
        northwind = partner_create(
            name="Northwind Distribution",
            partner_type=PartnerType.DISTRIBUTOR,
            country="US",
            region=Region.NORTH_AMERICA,
            city="Chicago",
            website="https://northwind.example",
            status=PartnerStatus.ACTIVE,
            # Its programme lets it follow its resellers' deals and leads.
            downstream_visibility=True,
        )
        contoso = partner_create(
            name="Contoso Solutions",
            partner_type=PartnerType.RESELLER,
            country="US",
            region=Region.NORTH_AMERICA,
            city="Austin",
            website="https://contoso.example",
            status=PartnerStatus.ACTIVE,
            parent=northwind,
        )
        self.used_names.update({northwind.name, contoso.name})
        self._fixed_admin(DISTRIBUTOR_LOGIN, "Dana Whitfield", northwind)
        self._fixed_admin(PARTNER_LOGIN, "Chris Moreno", contoso)
        children = [
            self._partner(PartnerType.RESELLER, parent=northwind) for _ in range(6)
        ]
        return [northwind, contoso, *children]

    def _distributor_trees(self, *, budget: int) -> list[Partner]:
        created: list[Partner] = []
        while len(created) < budget:
            distributor = self._partner(
                PartnerType.DISTRIBUTOR, status=PartnerStatus.ACTIVE
            )
            created.append(distributor)
            for _ in range(self.random.randint(5, 12)):
                reseller = self._partner(PartnerType.RESELLER, parent=distributor)
                created.append(reseller)
                if self.random.random() < 0.2:  # some resellers have sub-resellers
                    created.append(self._partner(PartnerType.RESELLER, parent=reseller))
        return created

    def _standalone_partner(self) -> Partner:
        types, weights = zip(*STANDALONE_TYPES, strict=True)
        return self._partner(self.random.choices(types, weights)[0])

    def _partner(
        self, partner_type: str, *, parent: Partner | None = None, status: str = ""
    ) -> Partner:
        if parent is not None:
            country, region = parent.country, parent.region
            cities = next(c for code, _, c in COUNTRIES if code == country)
        else:
            country, region, cities = self.random.choice(COUNTRIES)
        name = self._company_name(partner_type)
        slug = name.lower().replace(" ", "")
        if not status:
            statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
            status = self.random.choices(statuses, weights)[0]
        return partner_create(
            name=name,
            partner_type=partner_type,
            country=country,
            region=region,
            city=self.random.choice(cities),
            website=f"https://{slug}.example",
            status=status,
            parent=parent,
        )

    def _company_name(self, partner_type: str) -> str:
        while True:
            name = " ".join(
                [
                    self.random.choice(NAME_FIRST)
                    + self.random.choice(NAME_SECOND).lower(),
                    self.random.choice(NAME_SUFFIX[partner_type]),
                ]
            )
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    # --- people -------------------------------------------------------------------
    def _fixed_admin(self, login: DemoLogin, full_name: str, partner: Partner) -> None:
        self.users.append(
            User(email=login.email, full_name=full_name, password=self.password_hash)
        )
        self.memberships.append(
            (len(self.users) - 1, partner, [PartnerRole.PARTNER_ADMIN])
        )

    def _has_fixed_admin(self, partner: Partner) -> bool:
        return any(
            member_partner == partner for _, member_partner, _ in self.memberships
        )

    def _partner_people(self, partner: Partner) -> None:
        domain = partner.website.removeprefix("https://")
        role_sets = [[PartnerRole.PARTNER_ADMIN, PartnerRole.SALES]]
        extra_roles = [PartnerRole.SALES, PartnerRole.MARKETING, PartnerRole.LEARNER]
        for _ in range(self.random.randint(0, 2)):
            role_sets.append([self.random.choice(extra_roles)])
        seen: set[str] = set()
        for roles in role_sets:
            first = self.random.choice(PEOPLE_FIRST)
            last = self.random.choice(PEOPLE_LAST)
            local = f"{first}.{last}".lower().replace("í", "i")
            if local in seen:
                continue
            seen.add(local)
            self.users.append(
                User(
                    email=f"{local}@{domain}",
                    full_name=f"{first} {last}",
                    password=self.password_hash,
                )
            )
            self.memberships.append((len(self.users) - 1, partner, list(roles)))

    def _save_people(self) -> None:
        User.objects.bulk_create(self.users)
        saved = {user.email: user for user in User.objects.all()}
        Membership.objects.bulk_create(
            Membership(
                user=saved[self.users[index].email], partner=partner, roles=roles
            )
            for index, partner, roles in self.memberships
        )
