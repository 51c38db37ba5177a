import sys, time
from sklearn.datasets import load_diabetes
X, y = load_diabetes(return_X_y=True)
t0 = time.perf_counter()
import lagrangekit
from lagrangekit.linear_model import Lasso
t1 = time.perf_counter()
m = Lasso()
from lagrangekit.linear_model import _cd
t2 = time.perf_counter()
m.fit(X, y)
t3 = time.perf_counter()
m.fit(X, y)
t4 = time.perf_counter()
print(f"import lasso {t1-t0:.3f} import _cd(numba) {t2-t1:.3f} first fit {t3-t2:.3f} warm {t4-t3:.4f}")
