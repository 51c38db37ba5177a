import sys, time
from sklearn.datasets import load_diabetes
X, y = load_diabetes(return_X_y=True)
t0 = time.process_time()
import lagrangekit
from lagrangekit.linear_model import Lasso
t1 = time.process_time()
m = Lasso()
from lagrangekit.linear_model import _cd
t2 = time.process_time()
m.fit(X, y)
t3 = time.process_time()
m.fit(X, y)
t4 = time.process_time()
print(f"import lasso {t1-t0:.3f} import _cd(numba) {t2-t1:.3f} first fit {t3-t2:.3f} warm {t4-t3:.4f}")
