"""Running corrections over inputs: the batch runner (files, folders, in place, line mode), Ray, progress bars.
May import the pipeline, formats, report, result and text; never evaluation, training or the CLI."""
