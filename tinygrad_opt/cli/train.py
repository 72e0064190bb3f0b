"""``tinygrad-opt train`` and ``tinygrad-opt lr-find``.

Results go to ``--out`` (default a new ``runs/<timestamp>``, see ``_output``):
``summary.json`` and ``history.png`` for ``train``, ``lr_find.json`` and ``lr_find.png`` for
``lr-find``. A run that diverges or is interrupted (Ctrl-C) still writes ``summary.json``,
with ``stopped_by`` and ``stop_reason`` saying so.
"""
import os

from .. import data
from ..train import TrainingDiverged, TrainingInterrupted, lr_find, recipe
from ..train import resume as resume_io
from ..train.model_file import save_model
from ..train.progress import end_line
from ..viz.curves import plot_history, plot_lr_find
from . import _args, _output


def add_commands(commands):
    """Register ``train`` and ``lr-find`` with the subparsers ``commands``."""
    train_parser = commands.add_parser("train", help="train an MLP and report test accuracy",
                                       formatter_class=_args.DefaultsFormatter)
    _add_run_options(train_parser)
    _args.add_recipe_options(train_parser)
    train_parser.add_argument("--checkpoint", help="save a checkpoint (.npz) every epoch")
    train_parser.add_argument("--resume", help="continue from a checkpoint (.npz); options "
                              "not given are the checkpoint's, options given must match it "
                              "(--epochs may grow unless the schedule depends on it)")
    train_parser.set_defaults(run=run_train)
    find_parser = commands.add_parser("lr-find", help="learning-rate range test",
                                      formatter_class=_args.DefaultsFormatter)
    _add_run_options(find_parser)
    _args.add_recipe_options(find_parser, training=False)
    find_parser.add_argument("--start-lr", type=_args.positive_float, default=1e-7,
                             help="first learning rate of the sweep")
    find_parser.add_argument("--end-lr", type=_args.positive_float, default=10.0,
                             help="last learning rate of the sweep")
    find_parser.add_argument("--num-iter", type=_args.positive_int, default=100,
                             help="steps of the exponential sweep")
    find_parser.set_defaults(run=run_lr_find)


def _add_run_options(parser):
    parser.add_argument("--seed", type=_args.non_negative_int, default=0, action=_args.Given,
                        help="seed of every random draw")
    parser.add_argument("--out", help="output folder (default runs/<timestamp>)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _out_dir(args, writes=()):
    return _output.run_folder(args.out, writes)


def _print_table(results, epochs, seconds):
    print(f"{'split':<8}{'loss':>10}{'accuracy':>10}")
    for split, logs in results.items():
        print(f"{split:<8}{logs['loss']:>10.4f}{logs['accuracy']:>10.4f}")
    print(f"trained {epochs} epochs in {seconds:.2f} s ({seconds / max(epochs, 1):.3f} s/epoch)")


def _resumed_config(args, options):
    """With ``--resume``: the options of the checkpoint's run, overridden by those given on
    the command line, which must agree with it; prints what is taken from the checkpoint."""
    tree = resume_io.read(args.resume)
    saved = tree["run"]["config"]
    if saved is None:  # a checkpoint of fit() without the recipe's record
        config = recipe.resolve(options)
        print(resume_io.describe(args.resume, tree))
        return config
    chosen = _args.given(args)
    merged = {name: value if name in chosen else saved.get(name, value)
              for name, value in options.items()}
    config = recipe.resolve(merged)
    recipe.check_resume(config, saved, args.resume)
    taken = [f"{name}={saved[name]}" for name in options
             if name not in chosen and name in saved and saved[name] != options[name]]
    if tree["stop_reason"] is None and tree["epoch"] >= config["epochs"]:
        raise ValueError(f"{args.resume} already holds {tree['epoch']} epoch(s) and --epochs "
                         f"{config['epochs']} counts the resumed ones: give --epochs above "
                         f"{tree['epoch']} to train on")
    line = resume_io.describe(args.resume, tree)
    print(line + (f"; options of the checkpoint: {', '.join(taken)}" if taken else ""))
    return config


def run_train(args):
    """``tinygrad-opt train``: fit, evaluate every split, write summary.json and history.png."""
    options = {**_args.recipe_options(args), "seed": args.seed}
    if args.resume is None:
        config = recipe.resolve(options)
    else:
        config = _resumed_config(args, options)
    # a resumed run may continue in its own folder; a new one never overwrites another's files
    out = _out_dir(args, () if args.resume else ("summary.json", "model.npz"))
    try:
        run = recipe.run(config, progress=not args.no_progress, checkpoint=args.checkpoint,
                         resume=args.resume)
    except (TrainingDiverged, TrainingInterrupted) as error:
        _output.write_json(os.path.join(out, "summary.json"), _run_record(
            args, config, error.history, error.seconds, error.hyper_parameters))
        raise
    history, results, seconds = run["history"], run["results"], run["seconds"]
    summary = {"test_accuracy": results["test"]["accuracy"], "test_loss": results["test"]["loss"],
               **_run_record(args, config, history, seconds, run["hyper_parameters"]),
               "results": results, "parameters": run["model"].num_parameters(),
               "samples": {name: len(y) for name, (_, y) in run["splits"].items()}}
    _output.write_json(os.path.join(out, "summary.json"), summary)
    if args.no_progress:
        print(summary["stop_reason"])
    plot_history(history, title=f"{config['dataset']}: {config['optimizer']}",
                 path=os.path.join(out, "history.png"))
    save_model(os.path.join(out, "model.npz"), run, config)
    _print_table(results, len(history.epoch), seconds)
    print(f"wrote {os.path.join(out, 'summary.json')}, history.png and model.npz")
    return 0


def _run_record(args, config, history, seconds, hyper_parameters):
    """The part of ``summary.json`` that every run has, finished or not."""
    return {"epochs": len(history.epoch), "seconds": seconds,
            "stop_reason": end_line(history, config["epochs"]),
            "stopped_by": history.stopped_by,
            "config": {**config, "checkpoint": args.checkpoint, "resume": args.resume},
            "hyper_parameters": hyper_parameters,
            "history": history.history, "epoch_seconds": history.epoch_seconds}


def run_lr_find(args):
    """``tinygrad-opt lr-find``: sweep, print a table and the suggestion, save the plot."""
    if not args.start_lr < args.end_lr:
        raise ValueError(f"--start-lr {args.start_lr} must be below --end-lr {args.end_lr}")
    if args.num_iter < 2:
        raise ValueError(f"--num-iter must be at least 2 (a sweep has a first and a last "
                         f"rate), got {args.num_iter}")
    config = recipe.resolve(_args.recipe_options(args), seed=args.seed)
    splits, _, model, loss_fn, optimizer = recipe.setup(config)
    loader = data.DataLoader(*splits["train"], batch_size=config["batch_size"])
    out = _out_dir(args)
    lrs, losses, suggested = lr_find(model, loss_fn, optimizer, loader, args.start_lr,
                                     args.end_lr, args.num_iter)
    print(f"{'lr':>10}{'smoothed loss':>16}")
    for index in range(0, len(lrs), max(1, len(lrs) // 10)):
        print(f"{lrs[index]:>10.2e}{losses[index]:>16.4f}")
    shown = "none (too few points)" if suggested is None else f"{suggested:.3g}"
    print(f"suggested lr (steepest drop): {shown}")
    _output.write_json(os.path.join(out, "lr_find.json"),
                       {"lrs": lrs, "losses": losses, "suggested_lr": suggested})
    plot_lr_find(lrs, losses, suggested, title=f"LR range test: {config['optimizer']}",
                 path=os.path.join(out, "lr_find.png"))
    print(f"wrote {os.path.join(out, 'lr_find.json')} and lr_find.png")
    return 0
