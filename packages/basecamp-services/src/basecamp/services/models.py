"""The JSON models of the Basecamp API, as `TypedDict`s.

```python
from basecamp.services.models import Project, Todo
```

Keys are the JSON field names; keys the API may leave out are `NotRequired`, and values that may
be `null` are typed `... | None`. The models are generated from `spec/models/`.
"""

from ._generated.models import *  # noqa: F403
from ._generated.models import __all__ as __all__
