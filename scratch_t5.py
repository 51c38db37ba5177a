import cProfile, pstats, numpy as np
from lagrangekit.linear_model._enet_solvers import *
rng=np.random.default_rng(0)
X=rng.standard_normal((50,10)); y=rng.standard_normal(50)
d=prepare_design(X,y,None,True)
cProfile.run("enet_path_design(d,[0.1])", "/tmp/prof.out")
st=pstats.Stats("/tmp/prof.out"); st.sort_stats("tottime").print_stats(12)
