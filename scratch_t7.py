import numpy as np, warnings, time
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoCV as SLCV, ElasticNetCV as SECV
from lagrangekit.linear_model import LassoCV, ElasticNetCV, ConstrainedLasso, Lasso, fit_cvxpy
X,y=load_diabetes(return_X_y=True)
t=time.perf_counter(); m=LassoCV(cv=5).fit(X,y); print(time.perf_counter()-t)
r=SLCV(cv=5,tol=1e-8).fit(X,y)
print(m.alpha_, r.alpha_, np.abs(m.mse_path_-r.mse_path_).max()/r.mse_path_.max())
m=ElasticNetCV(l1_ratio=[0.3,0.9],cv=3).fit(X,y); r=SECV(l1_ratio=[0.3,0.9],cv=3,tol=1e-8).fit(X,y)
print(m.alpha_, r.alpha_, m.l1_ratio_, r.l1_ratio_)
for a in [0.05, 0.5, 5.0]:
    w=Lasso(alpha=a,tol=1e-12,max_iter=100000).fit(X,y).coef_
    c=ConstrainedLasso(t=np.abs(w).sum()).fit(X,y)
    print(a, c.multiplier_, np.abs(c.coef_-w).max(), c.n_iter_, c.kkt(X,y).ok)
    f=fit_cvxpy(c,X,y); print("cvx", f.multiplier, np.abs(f.coef-c.coef_).max())
c=ConstrainedLasso(t=1e6).fit(X,y); print(c.multiplier_)
