"""Peer learning API: `/api/v1/threads/` (list and detail with posts) for every member of the
community, and `POST /api/v1/threads/<id>/answers/` to answer.

Members are EW staff, partners' members and the members of an active affiliate; anyone else
signed in gets 404. Posts come from `Post.objects.visible_to(reader)`: a hidden post reaches
only its author and staff. `body` is the Markdown as written, `body_html` the sanitised HTML
the page shows (`core.markdown`).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from affiliates.tenancy import ReaderAPIMixin, log_denied
from core.api import StrictBooleanFilter
from core.markdown import render_markdown

from ..models import Post, Resource, ResourceVersion, Thread, Topic
from ..services import community as services
from ..services.community import BODY_MAX

# --- Shapes -----------------------------------------------------------------------------------


class ThreadTopicSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("In the caller's language."))

    class Meta:
        model = Topic
        fields = ["slug", "name"]
        read_only_fields = fields


class QuotedResourceSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = Resource
        fields = ["id", "title", "kind"]
        read_only_fields = fields

    def get_title(self, resource) -> str:
        version = resource.current_version()
        return version.title if version else ""


class AuthorFieldsMixin(serializers.Serializer):
    author_name = serializers.CharField(read_only=True)
    author_organisation = serializers.CharField(
        source="author_body",
        read_only=True,
        help_text=_(
            "The affiliate or monitoring partner the author wrote for, or Electronics Watch."
        ),
    )


class PostSerializer(AuthorFieldsMixin, serializers.ModelSerializer):
    body_html = serializers.SerializerMethodField(
        help_text=_("The text as the page shows it: sanitised HTML, no raw HTML, no scripts.")
    )
    quoted_resources = QuotedResourceSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "author_name",
            "author_organisation",
            "opening",
            "body",
            "body_html",
            "quoted_resources",
            "created_at",
            "edited_at",
            "recommended",
            "hidden",
            "hidden_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_body_html(self, post) -> str:
        return str(render_markdown(post.body))


class ThreadSerializer(AuthorFieldsMixin, serializers.ModelSerializer):
    topic = ThreadTopicSerializer(read_only=True)
    reply_count = serializers.IntegerField(
        read_only=True, help_text=_("Replies nobody hid, the question not counted.")
    )
    has_recommended_answer = serializers.BooleanField(
        source="answered",
        read_only=True,
        help_text=_("True when staff marked a reply as the recommended answer."),
    )

    class Meta:
        model = Thread
        fields = [
            "id",
            "title",
            "topic",
            "author_name",
            "author_organisation",
            "created_at",
            "last_activity_at",
            "locked",
            "has_recommended_answer",
            "reply_count",
        ]
        read_only_fields = fields


class ThreadDetailSerializer(ThreadSerializer):
    posts = PostSerializer(many=True, read_only=True, source="visible_posts")

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "posts"]
        read_only_fields = fields


class ThreadAnswerSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX, help_text=_("Markdown; no HTML."))
    quoted_resources = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Resource.objects.filter(status=Resource.Status.PUBLISHED),
        help_text=_("Ids of published library resources the answer quotes."),
    )


# --- Views ------------------------------------------------------------------------------------


class ThreadFilter(filters.FilterSet):
    topic = filters.CharFilter(field_name="topic__slug", label=_("Slug of the topic."))
    waiting = StrictBooleanFilter(
        method="filter_waiting", label=_("true: threads without an answer yet.")
    )
    search = filters.CharFilter(
        field_name="title", lookup_expr="icontains", label=_("Words in the title.")
    )

    class Meta:
        model = Thread
        fields: list[str] = []

    def filter_waiting(self, queryset, name, value):
        return queryset.filter(reply_count=0) if value else queryset.exclude(reply_count=0)


class ThreadViewSet(ReaderAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Threads of peer learning, latest activity first; the detail carries the posts the
    caller may read (a post hidden by the moderators only for its author and staff)."""

    queryset = Thread.objects.none()
    filterset_class = ThreadFilter

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.identity = services.community_identity(
            request.user, active_slug=request.query_params.get("affiliate")
        )
        if self.identity is None:
            log_denied(request, "community api")
            raise NotFound(_("Peer learning is for members of affiliates, partners and staff."))

    def get_serializer_class(self):
        if self.action == "answers":
            return ThreadAnswerSerializer
        return ThreadDetailSerializer if self.action == "retrieve" else ThreadSerializer

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        threads = (
            Thread.objects.visible_to(self.reader)
            .with_counts()
            .select_related("topic", "author", "author_affiliate", "author_partner")
            .order_by("-last_activity_at", "-pk")
        )
        if self.action == "retrieve":
            posts = (
                Post.objects.visible_to(self.reader)
                .select_related("author", "author_affiliate", "author_partner")
                .prefetch_related(
                    Prefetch(
                        "quoted_resources__versions",
                        queryset=ResourceVersion.objects.only(
                            "pk", "resource_id", "language", "number", "title"
                        ),
                    )
                )
                .order_by("created_at", "pk")
            )
            threads = threads.prefetch_related(
                Prefetch("posts", queryset=posts, to_attr="visible_posts")
            )
        return threads

    @extend_schema(request=ThreadAnswerSerializer, responses={201: PostSerializer})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Answer the thread (refused with 400 on a locked thread)."""
        thread = self.get_object()
        data = ThreadAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.thread_answer(
            thread=thread,
            by=request.user,
            identity=self.identity,
            body=data.validated_data["body"],
            resources=data.validated_data.get("quoted_resources", []),
        )
        post = (
            Post.objects.select_related("author", "author_affiliate", "author_partner")
            .prefetch_related("quoted_resources__versions")
            .get(pk=post.pk)
        )
        return Response(PostSerializer(post).data, status=status.HTTP_201_CREATED)
