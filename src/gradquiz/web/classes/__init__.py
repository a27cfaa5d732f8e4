"""Classes: instructors create and watch class exams; learners join and sit them."""
