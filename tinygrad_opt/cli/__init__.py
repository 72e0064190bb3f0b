"""``tinygrad-opt``: train an MLP and predict with it, or run a learning-rate range test.

    tinygrad-opt train                      # MLP on the shipped 8x8 digits, a few seconds
    tinygrad-opt train --optimizer sgd --lr 0.1 --momentum 0.9 --schedule cosine
    tinygrad-opt train --dataset mnist --data-dir ~/mnist --hidden 256,128 --epochs 10
    tinygrad-opt lr-find --optimizer sgd
    tinygrad-opt sweep --optimizer sgd adam --lr 0.01 0.1 --seeds 3   # every combination
    tinygrad-opt predict runs/<run>/model.npz rows.csv --proba        # a trained model applied

Each command lives in its own module of this package and registers itself with
``add_command(commands)``; ``main`` parses, dispatches and turns the errors a user can
cause into one line on stderr (exit status 2; 1 when training diverges; 130, as for any
program ended by Ctrl-C, when interrupted). The training
recipe itself (data, model, optimizer, schedule) is ``tinygrad_opt.train.recipe``.
"""
import os
import sys

from .._version import __version__
from ..train import CheckpointLocked, TrainingDiverged, TrainingInterrupted
from . import predict as predict_command
from . import sweep as sweep_command
from . import train as train_command
from ._args import Parser

COMMANDS = (train_command, predict_command, sweep_command)


def build_parser():
    """The ``tinygrad-opt`` argument parser with every command."""
    description = __doc__.split("\n")[0].replace("``", "")
    parser = Parser(prog="tinygrad-opt", description=description)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.add_commands(commands)
    return parser


def main(argv=None):
    """Entry point of ``tinygrad-opt``; returns the exit status (0), or exits with 2 on bad
    arguments, 1 when training diverges and 130 on Ctrl-C, after one line on stderr."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError, CheckpointLocked) as error:
        parser.exit(2, f"tinygrad-opt {args.command}: error: {one_line(error)}\n")
    except TrainingDiverged as error:
        print(f"tinygrad-opt {args.command}: {one_line(error)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader of our output (``| head``) has gone: stop quietly, with status 1 as
        # Python's own advice for EPIPE has it (stdout pointed at devnull for the exit flush).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt as error:
        print(f"tinygrad-opt {args.command}: {interrupted_line(error)}", file=sys.stderr)
        return 130


def interrupted_line(error):
    """What a Ctrl-C stopped and what is left: where training stood, the checkpoint."""
    if not isinstance(error, TrainingInterrupted):
        return "interrupted (Ctrl-C)"
    line = f"interrupted (Ctrl-C) in epoch {error.epoch + 1}/{error.epochs} after step {error.step}"
    if error.checkpoint is None:
        return line + "; no checkpoint was asked for (--checkpoint)"
    if error.checkpoint_epochs is None:
        return line + f"; no checkpoint written yet to {error.checkpoint}"
    return (line + f"; checkpoint {error.checkpoint} is intact with {error.checkpoint_epochs} "
            f"epoch(s): continue with --resume {error.checkpoint}")


def one_line(error):
    """An exception's message on one line."""
    return " ".join(str(error).split())
