"""Files: where they live, reading them fast (tomllib) and writing them safely."""
