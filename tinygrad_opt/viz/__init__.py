"""Pictures of optimization: training curves, schedules, optimizer paths, loss landscapes,
gradient checks and computation graphs. Every function returns a matplotlib Figure and
saves it when given ``path=``; matplotlib is imported only when a function runs."""
from .graph import draw_graph, to_dot
from .gradcheck import plot_eps_sweep, plot_gradcheck
from .paths import animate_race, optimizer_path, plot_race, plot_race_grid, race
from .schedules import plot_lr_overlay, plot_lr_schedule, schedule_values
from .curves import plot_histories, plot_history, plot_lr_find
from .sweep import plot_sweep, save_sweep_figures
from .landscape import (filter_normalized_direction, interpolate_losses, landscape_slice,
                        plot_loss_landscape)
from ._figure import PALETTE, finish, new_figure
