"""Drawing: figures from results, the animation renderer and its writers (matplotlib lives here).

The figure functions and `style()` are public: `from uat.plot import fit_figure, style`.
"""

from uat.plot.figures import compare_figure, convergence_figure, fit_figure, save_figure, style

__all__ = ["compare_figure", "convergence_figure", "fit_figure", "save_figure", "style"]
