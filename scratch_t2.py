import time, numpy as np
from sklearn.linear_model import ElasticNet as SE
from lagrangekit.linear_model._enet_solvers import *
rng=np.random.default_rng(0)
X=rng.standard_normal((200,50))+3; y=X[:,:5]@np.arange(1,6)+rng.standard_normal(200)
for sw in [None, rng.random(200)+0.5]:
    d=prepare_design(X,y,sw,True); a=alpha_max(d.correlations(),200,0.5,False)*0.05
    sol=enet_path_design(d,[a],l1_ratio=0.5,tol=1e-14,max_iter=100000)
    ref=SE(alpha=a,l1_ratio=0.5,tol=1e-16,max_iter=1000000).fit(X,y,sample_weight=sw)
    w=sol.coefs[0]
    def obj(w):
        ww = np.ones(200) if sw is None else sw*200/sw.sum()
        r=d.y-d.X@w
        return 0.5*(r@r)/200 + a*0.5*np.abs(w).sum()+0.25*a*(w@w)
    print(np.abs(w-ref.coef_).max(), obj(w)-obj(ref.coef_), sol.gaps, ref.dual_gap_)
