"""The pure domain: packs, questions, attempts, scoring and the timer. No IO, no clock."""
