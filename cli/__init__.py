"""The ``flowcast`` command line: every data operation of the UI, scriptable."""
