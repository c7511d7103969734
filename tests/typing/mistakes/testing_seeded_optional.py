"""`FakeBasecamp.seeded` is None without `seed="demo"`: narrow it first."""

from basecamp.testing import FakeBasecamp

fake = FakeBasecamp()
print(fake.seeded.todolist_id)  # expect-error
