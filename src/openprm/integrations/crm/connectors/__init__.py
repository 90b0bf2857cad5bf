"""The connectors, by connector type (``CrmConnection.connector_type``)."""

from openprm.integrations.crm.connectors.base import Connector, RateLimiter
from openprm.integrations.crm.connectors.bottlecrm import BottleCrmConnector
from openprm.integrations.crm.connectors.csv_files import CsvConnector

CONNECTORS: dict[str, type[Connector]] = {
    "bottlecrm": BottleCrmConnector,
    "csv": CsvConnector,
}


def connector_for(
    connector_type: str, *, config: dict, credentials: dict, per_second: float = 0
) -> Connector:
    return CONNECTORS[connector_type](
        config=config, credentials=credentials, limiter=RateLimiter(per_second)
    )
