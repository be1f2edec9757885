from flask import request

from ...text import clean_text


class PostedFile:
    """The upload form as :func:`shnor_app.web.submit` takes it: valid when a file is chosen;
    ``error`` is the one message the files' block shows (the first of ``errors``)."""

    def __init__(self):
        self.file = request.files.get("file")
        self.description = clean_text(request.form.get("description", ""))[:300]
        self.errors: dict[str, str] = {}

    @property
    def error(self) -> str | None:
        return next(iter(self.errors.values()), None)

    def validate_on_submit(self) -> bool:
        if self.file is None or not self.file.filename:
            self.errors["__all__"] = "Выберите файл."
        return not self.errors
