"""Practice: choosing a set, answering one question at a time, the set's summary."""
