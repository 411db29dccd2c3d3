"""``python -m clinical_data_generator`` runs the ``cdg`` command."""

from clinical_data_generator.cli import main

if __name__ == "__main__":
    main(prog_name="cdg")
