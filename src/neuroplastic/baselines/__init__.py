"""The comparison side: classic artificial learners, small and documented with their
update equations and sources (docs/comparison.md).

* :mod:`.perceptron` -- Rosenblatt's perceptron (JAX + Optax);
* :mod:`.mlp` -- multilayer perceptrons trained by gradient descent, SGD or Adam
  (JAX + Optax), with connection masks (sparse budgets, lesions);
* :mod:`.policy` -- a policy-gradient actor-critic for gymnasium tasks (JAX + Optax);
* :mod:`.ase` -- Barto, Sutton & Anderson's ASE/ACE pole balancer (NumPy);
* :mod:`.neuroevolution` -- NEAT through neat-python;
* :mod:`.continual` -- class-incremental MLPs (JAX + Optax): sequential fine-tuning,
  EWC, SI, experience replay, joint training; nearest class mean on hidden features.

JAX, Optax and neat-python are the optional extra ``neuroplastic[compare]``; a
module that needs a missing one raises :class:`~neuroplastic.errors.MissingExtra`
when it is used. Import the modules themselves (``from neuroplastic.baselines
import mlp``): importing this package imports none of them.
"""
