"""The column kinds every model repeats, as SQLAlchemy 2 `Annotated` types.

`decided_at: Mapped[Moment | None]` is a nullable UTC datetime column, `body: Mapped[Text]` a
NOT NULL text: as everywhere in SQLAlchemy 2, a column is NOT NULL unless its annotation admits
None, and options a column adds (`index=True`, `unique=True`) go in its own `mapped_column()`,
which is merged with its kind's.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column

from venture.core.db import Money, UTCDateTime, utcnow

Key = Annotated[int, mapped_column(primary_key=True)]

# an instant, stored as naive UTC and read back aware (venture.core.db.UTCDateTime)
Moment = Annotated[datetime, mapped_column(UTCDateTime)]
# the instant the row is written
Timestamp = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow)]

Text = Annotated[str, mapped_column(sa.Text)]
# free text that may be left empty: "" rather than NULL
BlankText = Annotated[str, mapped_column(sa.Text, default="")]

# a score or maximum in half points: 0.0 … 999.5 (review and evaluation rubrics)
Points = sa.Numeric(5, 1, asdecimal=True)

# a yuan amount, NUMERIC(14, 2)
Amount = Annotated[Decimal, mapped_column(Money())]

# the account that did something (created, decided, uploaded…)
UserId = Annotated[int, mapped_column(sa.ForeignKey("user.id"))]
# a file in the upload store (venture.core.files.StoredFile)
FileId = Annotated[int, mapped_column(sa.ForeignKey("stored_file.id"))]
