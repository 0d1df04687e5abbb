"""Career service: performance history, promotion eligibility, credit points, talent and development."""
