"""Bargaining models, all behind one interface (:class:`~detente.models.base.Model`)."""

from detente.models.base import Forecast, Model, ModelOutput, Trajectory
from detente.models.registry import available_models, get_model

__all__ = ["Forecast", "Model", "ModelOutput", "Trajectory", "available_models", "get_model"]
