import time, numpy as np
t=time.process_time()
from lagrangekit.linear_model._enet_solvers import *
import lagrangekit.linear_model._cd as cd
print("import", time.process_time()-t)
rng=np.random.default_rng(0)
X=rng.standard_normal((50,10)); y=rng.standard_normal(50)
t=time.process_time()
d=prepare_design(X,y,None,True); sol=enet_path_design(d,[0.1])
print("design", time.process_time()-t)
t=time.process_time()
g=gram_statistics(X,y,None,True); sol=enet_path_gram(g.XtX,g.Xty,g.yty,50,[0.1])
print("gram", time.process_time()-t)
