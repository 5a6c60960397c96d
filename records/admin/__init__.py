"""Django admin for staff (DESIGN §4.6, journey 12).

- ``people``: schools, people with their records inline, the records themselves;
- ``queues``: photo reviews and correction requests, with bulk decisions;
- ``scoping``: what keeps a registrar inside their school, everywhere;
- ``roster``: roster import and export of enrolments;
- ``history``: history pages masked and logged, reasons on every staff save;
- ``identity``: 身份信息变更 requests for people whose identity several parties depend on.
"""

from . import identity, people, queues  # noqa: F401 - registers the model admins
