import time, numpy as np
import lagrangekit.linear_model._cd as cd
from lagrangekit.linear_model._enet_solvers import *
rng=np.random.default_rng(0)
X=rng.standard_normal((50,10)); y=rng.standard_normal(50)
t=time.perf_counter(); d=prepare_design(X,y,None,True); print("prep", time.perf_counter()-t)
t=time.perf_counter(); sol=enet_path_design(d,[0.1]); print("design", time.perf_counter()-t)
t=time.perf_counter(); sol=enet_path_design(d,[0.1]); print("design2", time.perf_counter()-t)
import scipy.sparse as sp
t=time.perf_counter(); d=prepare_design(sp.csc_matrix(X),y,None,True); sol=enet_path_design(d,[0.1]); print("sparse", time.perf_counter()-t)
