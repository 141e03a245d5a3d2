"""balancecoach: a terminal coach for a dental practice's doctor and office manager."""

__version__ = "0.1.0"
