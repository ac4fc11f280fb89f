"""Closed-loop signals computed between runs: rewards with prediction error,
novelty, and environments (gymnasium) driving a network.

The compiled loop runs in chunks; these helpers read activity after a chunk
(``Network.spike_counts``), compute a signal in Python (cost per chunk, not per
step or neuron) and feed it back through ``Network.release`` (modulators) or
``Network.set_rates`` (inputs).
"""
from .gym import (DirectReward, Episode, GaussianEncoder, GymLoop, SpikeCountDecoder, Step, TDError, make_env,
                  random_policy_lengths)
from .novelty import NoveltyDetector
from .reward import RewardPredictionError

__all__ = ["RewardPredictionError", "NoveltyDetector", "GymLoop", "GaussianEncoder", "SpikeCountDecoder", "TDError",
           "DirectReward", "Step", "Episode", "make_env", "random_policy_lengths"]
