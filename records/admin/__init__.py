"""Django admin for staff (DESIGN §4.6, journey 12).

- ``people``: schools, people with their records inline, the records themselves;
- ``queues``: photo reviews and correction requests, with bulk decisions;
- ``scoping``: what keeps a registrar inside their school, everywhere;
- ``roster``: roster import and export of enrolments.
"""

from . import people, queues  # noqa: F401 - registers the model admins
