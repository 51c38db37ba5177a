import numpy as np, scipy.sparse as sp, warnings
from sklearn.linear_model import Lasso as SL, ElasticNet as SE, lasso_path as slp
from lagrangekit.linear_model import Lasso, ElasticNet, lasso_path
from sklearn.datasets import load_diabetes
X,y=load_diabetes(return_X_y=True)
for solver in ["cd","fista","ista"]:
    for pre in [True, False]:
        m=Lasso(alpha=0.1, solver=solver, precompute=pre, tol=1e-10, max_iter=100000).fit(X,y)
        r=SL(alpha=0.1,tol=1e-12,max_iter=100000).fit(X,y)
        print(solver, pre, m.solver_, np.abs(m.coef_-r.coef_).max(), m.intercept_-r.intercept_, m.dual_gap_, m.n_iter_, m.kkt(X,y).ok)
Xs=sp.csc_matrix(X*(np.random.default_rng(0).random(X.shape)<0.5))
m=ElasticNet(alpha=0.01, l1_ratio=0.7, tol=1e-12, max_iter=10000).fit(Xs,y)
r=SE(alpha=0.01,l1_ratio=0.7, tol=1e-14,max_iter=100000).fit(Xs,y)
print("sparse enet", np.abs(m.coef_-r.coef_).max(), m.intercept_-r.intercept_, m.predict(Xs[:3]), r.predict(Xs[:3]))
a,c,g=lasso_path(X,y,tol=1e-10)
a2,c2,g2=slp(X,y,tol=1e-12)
print("path", np.abs(a-a2).max(), np.abs(c-c2).max())
from lagrangekit.linear_model import fit_cvxpy
f=fit_cvxpy(m, Xs, y)
print(np.abs(f.coef-m.coef_).max())
