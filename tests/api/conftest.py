from dataclasses import dataclass, field


@dataclass
class SchemathesisFigures:
    """What the Schemathesis run did, shown at the end of the test session."""

    operations: set[str] = field(default_factory=set)
    calls: int = 0
    failing_calls: int = 0

    def __str__(self):
        return (
            f"Schemathesis: {len(self.operations)} operations, {self.calls} calls, "
            f"{self.failing_calls} failing calls"
        )


SCHEMATHESIS_FIGURES = SchemathesisFigures()


def pytest_terminal_summary(terminalreporter):
    if SCHEMATHESIS_FIGURES.calls:
        terminalreporter.write_line(str(SCHEMATHESIS_FIGURES))
