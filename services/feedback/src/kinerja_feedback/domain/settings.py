"""An office's feedback settings (peer feedback allowed, dialogues expected per period)."""

from __future__ import annotations

from kinerja_kernel.aggregate import Aggregate
from kinerja_kernel.contracts.feedback import FeedbackOfficeSettings, FeedbackSettingsChanged


class OfficeFeedbackSettings(Aggregate):
    def __init__(self) -> None:
        super().__init__()
        self.office_id = ""
        self.settings: FeedbackOfficeSettings | None = None

    def change(self, *, office_id: str, settings: FeedbackOfficeSettings, reason: str) -> None:
        """Replace the settings; the same settings again change nothing and record nothing."""
        if settings == self.settings:
            return
        self.record(FeedbackSettingsChanged(office_id=office_id, settings=settings, previous=self.settings,
                                            reason=reason))

    def _on_FeedbackSettingsChanged(self, e: FeedbackSettingsChanged) -> None:  # noqa: N802
        self.office_id = e.office_id
        self.settings = e.settings
