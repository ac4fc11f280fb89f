"""Neuroevolution of topology (NEAT, with neat-python) for classification under a connection budget.

NEAT (Stanley & Miikkulainen 2002) evolves a population of networks -- their
connections, hidden nodes and weights -- by mutation (new connections, new
nodes splitting a connection, weight perturbation, connection deletion),
crossover of genes aligned by innovation number, and speciation that protects
new structure. Evolution, speciation and reproduction are neat-python's; this
module supplies the task:

* genome: ``n_in`` inputs, ``n_classes`` output nodes, tanh nodes
  (neat-python's ``tanh``: tanh(clip(2.5 z, -60, 60))), feed-forward, starting
  from a random ``initial_fraction`` of the direct input-output connections;
* fitness of a genome = the mean probability it gives the true class of the
  training examples, p = softmax(``sharpness`` x outputs) (class = the output
  node with the largest value), minus (enabled connections - budget) / budget
  for every connection above the ``budget``. The probability, unlike the
  accuracy, rewards every step towards a right answer (the accuracy alone
  left the evolution stuck at 0.40 on digits within 150 generations);
* evaluation: the genome's feed-forward network (``neat.nn.FeedForwardNetwork``
  gives the node order, weights, biases and responses) is computed for all
  training examples at once with NumPy; :func:`genome_outputs` equals
  ``FeedForwardNetwork.activate`` example by example.

neat-python draws from Python's global ``random`` generator: :func:`evolve`
seeds it with ``seed`` and restores its previous state afterwards.

Cost: network evaluations (genomes x training examples) and multiply-accumulates
(enabled connections of each evaluated genome x examples).

Reference: Stanley KO, Miikkulainen R (2002) Evolving neural networks through
augmenting topologies. Evol Comput 10:99. neat-python: McIntyre A et al.,
https://github.com/CodeReclaimers/neat-python.
"""
from __future__ import annotations

import os
import random
import tempfile
from dataclasses import dataclass

import numpy as np

from ._extra import require_neat

__all__ = ["NEATFit", "evolve", "genome_outputs", "neat_config"]

_CONFIG = """
[NEAT]
fitness_criterion     = max
fitness_threshold     = 2.0
no_fitness_termination = True
pop_size              = {pop_size}
reset_on_extinction   = True

[DefaultGenome]
num_inputs              = {n_in}
num_outputs             = {n_out}
num_hidden              = 0
feed_forward            = True
initial_connection      = partial_direct {initial_fraction}
activation_default      = tanh
activation_mutate_rate  = 0.0
activation_options      = tanh
aggregation_default     = sum
aggregation_mutate_rate = 0.0
aggregation_options     = sum
bias_init_mean          = 0.0
bias_init_stdev         = 1.0
bias_init_type          = gaussian
bias_max_value          = 30.0
bias_min_value          = -30.0
bias_mutate_power       = 0.5
bias_mutate_rate        = 0.7
bias_replace_rate       = 0.1
response_init_mean      = 1.0
response_init_stdev     = 0.0
response_init_type      = gaussian
response_max_value      = 30.0
response_min_value      = -30.0
response_mutate_power   = 0.0
response_mutate_rate    = 0.0
response_replace_rate   = 0.0
weight_init_mean        = 0.0
weight_init_stdev       = 1.0
weight_init_type        = gaussian
weight_max_value        = 30.0
weight_min_value        = -30.0
weight_mutate_power     = 0.5
weight_mutate_rate      = 0.8
weight_replace_rate     = 0.1
enabled_default         = True
enabled_mutate_rate     = 0.01
enabled_rate_to_true_add  = 0.0
enabled_rate_to_false_add = 0.0
compatibility_disjoint_coefficient = 1.0
compatibility_weight_coefficient   = 0.5
conn_add_prob           = {conn_add_prob}
conn_delete_prob        = {conn_delete_prob}
node_add_prob           = {node_add_prob}
node_delete_prob        = {node_delete_prob}
single_structural_mutation = false
structural_mutation_surer  = default

[DefaultSpeciesSet]
compatibility_threshold = 3.0

[DefaultStagnation]
species_fitness_func = max
max_stagnation       = 20
species_elitism      = 2

[DefaultReproduction]
elitism            = 2
survival_threshold = 0.2
min_species_size   = 2
"""


@dataclass
class NEATFit:
    """The best genome found and the evolution's record.

    Attributes:
        genome: the best genome (neat-python ``DefaultGenome``); config: its config.
        accuracy: the best genome's accuracy on the evaluation set.
        train_accuracy: its accuracy on the training set.
        connections: its enabled connections; hidden: its hidden nodes.
        curve: (network evaluations so far, evaluation-set accuracy of the
            generation's best genome) after each generation.
        evaluations: network evaluations (genomes x training examples).
        macs: multiply-accumulates of all evaluations.
    """

    genome: object
    config: object
    accuracy: float
    train_accuracy: float
    connections: int
    hidden: int
    curve: tuple
    evaluations: int
    macs: float


def neat_config(n_in: int, n_out: int, pop_size: int = 100, initial_fraction: float = 0.3,
                conn_add_prob: float = 0.5, conn_delete_prob: float = 0.5, node_add_prob: float = 0.2,
                node_delete_prob: float = 0.2):
    """A neat-python ``Config`` for the task (written to a temporary file, which is removed)."""
    neat = require_neat()
    text = _CONFIG.format(n_in=n_in, n_out=n_out, pop_size=pop_size, initial_fraction=initial_fraction,
                          conn_add_prob=conn_add_prob, conn_delete_prob=conn_delete_prob,
                          node_add_prob=node_add_prob, node_delete_prob=node_delete_prob)
    fd, path = tempfile.mkstemp(suffix=".ini", prefix="neat-")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        return neat.Config(neat.DefaultGenome, neat.DefaultReproduction, neat.DefaultSpeciesSet,
                           neat.DefaultStagnation, path)
    finally:
        os.remove(path)


def _tanh(z):
    return np.tanh(np.clip(2.5 * z, -60.0, 60.0))


def genome_outputs(genome, config, x) -> np.ndarray:
    """Output node values of the genome's network for every row of x (n x n_out)."""
    neat = require_neat()
    net = neat.nn.FeedForwardNetwork.create(genome, config)
    x = np.asarray(x, float)
    values = {k: x[:, j] for j, k in enumerate(net.input_nodes)}
    for node, act, agg, bias, response, links in net.node_evals:
        if act is not neat.activations.tanh_activation or agg is not neat.aggregations.sum_aggregation:
            raise ValueError("genome_outputs: only tanh nodes with sum aggregation are supported")
        s = np.zeros(len(x))
        for i, w in links:
            s = s + values[i] * w
        values[node] = _tanh(bias + response * s)
    return np.stack([values.get(k, np.zeros(len(x))) for k in net.output_nodes], axis=1)


def _enabled(genome) -> int:
    return sum(1 for cg in genome.connections.values() if cg.enabled)


def _accuracy(genome, config, x, y) -> float:
    return float(np.mean(genome_outputs(genome, config, x).argmax(axis=1) == y))


def _probability(outputs, y, sharpness: float) -> float:
    """Mean softmax probability of the true class."""
    z = sharpness * outputs
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return float(np.mean(p[np.arange(len(y)), y] / p.sum(axis=1)))


def evolve(x_train, y_train, x_eval, y_eval, generations: int = 100, pop_size: int = 100, budget: int = 360,
           seed: int = 0, sharpness: float = 5.0, **config_kwargs) -> NEATFit:
    """Evolve classifiers of (x_train, y_train) for ``generations`` generations;
    see module doc. ``config_kwargs`` go to :func:`neat_config`."""
    neat = require_neat()
    x_train, y_train = np.asarray(x_train, float), np.asarray(y_train)
    n_classes = int(max(y_train.max(), np.max(y_eval)) + 1)
    config = neat_config(x_train.shape[1], n_classes, pop_size, **config_kwargs)
    record = {"evaluations": 0, "macs": 0.0, "curve": []}

    def fitness(genomes, cfg):
        best, best_fit = None, -np.inf
        for _, g in genomes:
            n_conn = _enabled(g)
            fit = _probability(genome_outputs(g, cfg, x_train), y_train, sharpness)
            g.fitness = fit - max(0, n_conn - budget) / budget
            record["evaluations"] += len(x_train)
            record["macs"] += n_conn * len(x_train)
            if g.fitness > best_fit:
                best, best_fit = g, g.fitness
        record["curve"].append((record["evaluations"], _accuracy(best, cfg, x_eval, y_eval)))

    state = random.getstate()
    try:
        pop = neat.Population(config, seed=int(seed))
        best = pop.run(fitness, int(generations))
    finally:
        random.setstate(state)
    curve = np.array(record["curve"], float).reshape(-1, 2)
    hidden = len([k for k in best.nodes if k not in config.genome_config.output_keys])
    return NEATFit(best, config, _accuracy(best, config, x_eval, y_eval), _accuracy(best, config, x_train, y_train),
                   _enabled(best), hidden, (curve[:, 0], curve[:, 1]), record["evaluations"], record["macs"])
