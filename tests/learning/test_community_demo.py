"""The peer-learning demo: five threads between members of different affiliates, one
recommended answer, one hidden post with its reason; a second seed adds nothing."""

from django.core.management import call_command

from learning.models import Follow, Post, Thread, Topic


def test_demo_threads_are_seeded_once(db):
    call_command("seed_demo", verbosity=0)
    counts = (Thread.objects.count(), Post.objects.count(), Follow.objects.count())
    call_command("seed_demo", verbosity=0)

    assert (Thread.objects.count(), Post.objects.count(), Follow.objects.count()) == counts
    assert counts[0] == 5
    assert Topic.objects.filter(slug="migrant-workers-recruitment-fees").exists()
    assert Post.objects.filter(recommended=True).count() == 1
    (hidden,) = Post.objects.filter(hidden=True)
    assert hidden.hidden_reason and hidden.hidden_by.is_ew_staff
    answered = Post.objects.filter(opening=False, author_affiliate__isnull=False)
    assert answered.values("author_affiliate").distinct().count() == 2
    for thread in Thread.objects.with_counts().filter(reply_count__gt=0):
        question = thread.posts.get(opening=True)
        replies = thread.posts.filter(opening=False, hidden=False)
        assert replies.exclude(author_affiliate=question.author_affiliate).exists()
    assert Thread.objects.with_counts().waiting_for_answer().count() == 1
