"""Career service: performance history, promotion eligibility, credit points, talent and development."""

from kinerja_career import messages as messages  # the message catalog, registered on import
