using System.Text;
using FsCheck.Fluent;
using Partisan.Tests.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.References;

public class RemoteRefUriTests
{
    private static readonly NodeName Node = NodeName.Parse("n1@10.0.0.1");

    [Fact]
    public void Uris_have_the_partisan_form()
    {
        Assert.Equal("partisan:pid:n1@10.0.0.1:813", RemoteRef.FromPid(new Pid(Node, 813)).ToUri());
        Assert.Equal("partisan:ref:n1@10.0.0.1:0", RemoteRef.FromRef(new Ref(Node, 0)).ToUri());
        Assert.Equal("partisan:name:n1@10.0.0.1:foo", RemoteRef.FromName("foo", Node).ToUri());
        Assert.Equal($"partisan:pid:n1@10.0.0.1:{long.MaxValue}", RemoteRef.FromPid(new Pid(Node, long.MaxValue)).ToUri());
    }

    [Fact]
    public void Uris_round_trip_exactly() =>
        Check(
            Gens.RemoteRef,
            value =>
            {
                RemoteRef back = RemoteRef.ParseUri(value.ToUri());
                Assert.Equal(value, back);
                Assert.Equal(value.Kind, back.Kind);
                Assert.Equal(value.Node, back.Node);
                Assert.Equal(value.Id, back.Id);
                Assert.Equal(value.Name, back.Name);
                Assert.Equal(value.ToUri(), back.ToUri());
                Assert.True(RemoteRef.TryParseUri(value.ToUri(), out RemoteRef tried));
                Assert.Equal(value, tried);
            },
            300);

    [Fact]
    public void Padded_uris_are_exactly_65_bytes_when_shorter_and_parse_back() =>
        Check(
            Gens.RemoteRef,
            value =>
            {
                string plain = value.ToUri();
                string padded = value.ToUri(padded: true);
                int plainBytes = Encoding.UTF8.GetByteCount(plain);
                if (plainBytes < RemoteRef.PaddedUriLength)
                {
                    Assert.Equal(RemoteRef.PaddedUriLength, Encoding.UTF8.GetByteCount(padded));
                    Assert.StartsWith(plain + ":", padded, StringComparison.Ordinal);
                    Assert.All(padded[(plain.Length + 1)..].ToCharArray(), c => Assert.Equal(RemoteRef.PaddingChar, c));
                }
                else
                {
                    Assert.Equal(plain, padded);
                }

                Assert.Equal(value, RemoteRef.ParseUri(padded));
            },
            300);

    [Fact]
    public void A_uri_of_exactly_64_bytes_is_padded_with_the_colon_alone()
    {
        string name = new('x', 64 - "partisan:name:n1@10.0.0.1:".Length);
        var value = RemoteRef.FromName(name, Node);
        Assert.Equal(64, value.ToUri().Length);
        Assert.Equal(value.ToUri() + ":", value.ToUri(padded: true));
        Assert.Equal(value, RemoteRef.ParseUri(value.ToUri(padded: true)));
    }

    [Fact]
    public void Long_uris_are_not_padded()
    {
        var value = RemoteRef.FromName(new string('y', 100), Node);
        Assert.Equal(value.ToUri(), value.ToUri(padded: true));
        var exactly65 = RemoteRef.FromName(new string('z', 65 - "partisan:name:n1@10.0.0.1:".Length), Node);
        Assert.Equal(65, exactly65.ToUri().Length);
        Assert.Equal(exactly65.ToUri(), exactly65.ToUri(padded: true));
    }

    [Fact]
    public void Padding_counts_utf8_bytes_not_characters()
    {
        var value = RemoteRef.FromName("日本", Node);
        string padded = value.ToUri(padded: true);
        Assert.Equal(65, Encoding.UTF8.GetByteCount(padded));
        Assert.True(padded.Length < 65);
        Assert.Equal(value, RemoteRef.ParseUri(padded));
    }

    [Theory]
    [InlineData("partisan:pid:a@b:1:extension")]
    [InlineData("partisan:pid:a@b:1:x:y:z")]
    [InlineData("partisan:pid:a@b:1:")]
    [InlineData("partisan:pid:a@b:1:\u001F\u001F\u001F")]
    public void Fields_after_the_fourth_are_ignored(string uri) =>
        Assert.Equal(RemoteRef.FromPid(new Pid(NodeName.Parse("a@b"), 1)), RemoteRef.ParseUri(uri));

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("partisan", "expected 'partisan:<pid|ref|name>:<node>:<id or name>'")]
    [InlineData("partisan:pid:a@b", "expected 'partisan:<pid|ref|name>:<node>:<id or name>'")]
    [InlineData("http:pid:a@b:1", "the scheme must be 'partisan', not 'http'")]
    [InlineData("Partisan:pid:a@b:1", "the scheme must be 'partisan'")]
    [InlineData("partisan:port:a@b:1", "unknown kind 'port'")]
    [InlineData("partisan:PID:a@b:1", "unknown kind 'PID'")]
    [InlineData("partisan:pid:nohost:1", "expected exactly one '@'")]
    [InlineData("partisan:pid::1", "node name must not be empty")]
    [InlineData("partisan:pid:a b@c:1", "character ' ' at position 1")]
    [InlineData("partisan:pid:a@b:-1", "is not a non-negative 64-bit integer")]
    [InlineData("partisan:ref:a@b:12a", "is not a non-negative 64-bit integer")]
    [InlineData("partisan:ref:a@b:+1", "is not a non-negative 64-bit integer")]
    [InlineData("partisan:ref:a@b: 1", "is not a non-negative 64-bit integer")]
    [InlineData("partisan:pid:a@b:", "is not a non-negative 64-bit integer")]
    [InlineData("partisan:pid:a@b:9223372036854775808", "is not a non-negative 64-bit integer")]
    [InlineData("partisan:pid:a@b:99999999999999999999", "is not a non-negative 64-bit integer")]
    [InlineData("partisan:pid:a@b:007", "has leading zeros")]
    [InlineData("partisan:pid:a@b:00", "has leading zeros")]
    [InlineData("partisan:name:a@b:", "registered name must not be empty")]
    [InlineData("partisan:name:a@b:two words", "contains a colon, a control character or white space")]
    [InlineData("partisan:name:a@b:tab\there", "contains a colon, a control character or white space")]
    public void Bad_uris_fail_with_a_clear_message(string uri, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => RemoteRef.ParseUri(uri));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.False(RemoteRef.TryParseUri(uri, out RemoteRef result));
        Assert.Equal(default, result);
    }

    [Fact]
    public void Null_and_oversized_uris_are_refused()
    {
        Assert.Contains("must not be empty", Assert.Throws<FormatException>(() => RemoteRef.ParseUri(null!)).Message, StringComparison.Ordinal);
        Assert.False(RemoteRef.TryParseUri(null, out _));
        string huge = "partisan:name:a@b:" + new string('n', 2000);
        Assert.Contains("longer than", Assert.Throws<FormatException>(() => RemoteRef.ParseUri(huge)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_do_not_echo_control_characters_or_huge_input()
    {
        string nasty = "http\u0001\u001B[2J:pid:a@b:1" + new string('x', 500);
        var ex = Assert.Throws<FormatException>(() => RemoteRef.ParseUri(nasty));
        Assert.DoesNotContain('\u0001', ex.Message);
        Assert.DoesNotContain('\u001B', ex.Message);
        Assert.True(ex.Message.Length < 400, ex.Message);
    }

    [Fact]
    public void Ids_zero_and_max_round_trip_while_the_first_overflow_does_not_parse()
    {
        Assert.Equal(0, RemoteRef.ParseUri("partisan:pid:a@b:0").Id);
        Assert.Equal(long.MaxValue, RemoteRef.ParseUri("partisan:ref:a@b:9223372036854775807").Id);
        Assert.False(RemoteRef.TryParseUri("partisan:ref:a@b:9223372036854775808", out _));
    }

    [Fact]
    public void A_uri_cannot_be_made_for_a_default_value_or_a_negative_id()
    {
        Assert.Throws<InvalidOperationException>(() => default(RemoteRef).ToUri());
        var ex = Assert.Throws<InvalidOperationException>(() => RemoteRef.FromPid(new Pid(Node, -1)).ToUri());
        Assert.Contains("negative", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => RemoteRef.FromRef(new Ref(Node, long.MinValue)).ToUri(padded: true));

        // Display still works.
        Assert.Equal("partisan:pid:n1@10.0.0.1:-1", RemoteRef.FromPid(new Pid(Node, -1)).ToString());
        Assert.Equal("<default RemoteRef>", default(RemoteRef).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("line\nbreak")]
    public void FromName_refuses_invalid_names(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => RemoteRef.FromName(name, Node));
        Assert.Equal("name", ex.ParamName);
    }

    [Fact]
    public void Conversions_check_the_kind()
    {
        var pid = new Pid(Node, 5);
        var reference = new Ref(Node, 6);
        Assert.Equal(pid, RemoteRef.FromPid(pid).ToPid());
        Assert.Equal(reference, RemoteRef.FromRef(reference).ToRef());
        Assert.Equal((ProcessRef)pid, RemoteRef.FromPid(pid).ToProcessRef());
        Assert.Equal(ProcessRef.ForName("srv", Node), RemoteRef.FromName("srv", Node).ToProcessRef());
        Assert.Equal(RemoteRef.FromName("srv", Node), RemoteRef.FromProcessRef(ProcessRef.ForName("srv", Node)));
        Assert.Equal(RemoteRef.FromPid(pid), RemoteRef.FromProcessRef(pid));

        Assert.Throws<InvalidOperationException>(() => RemoteRef.FromRef(reference).ToPid());
        Assert.Throws<InvalidOperationException>(() => RemoteRef.FromPid(pid).ToRef());
        Assert.Throws<InvalidOperationException>(() => RemoteRef.FromRef(reference).ToProcessRef());
        Assert.Throws<InvalidOperationException>(() => RemoteRef.FromName("srv", Node).ToPid());
    }

    [Fact]
    public void Equality_covers_node_kind_id_and_name()
    {
        var a = RemoteRef.FromPid(new Pid(Node, 1));
        Assert.Equal(a, RemoteRef.FromPid(new Pid(Node, 1)));
        Assert.Equal(a.GetHashCode(), RemoteRef.FromPid(new Pid(Node, 1)).GetHashCode());
        Assert.True(a == RemoteRef.ParseUri("partisan:pid:n1@10.0.0.1:1"));
        Assert.NotEqual(a, RemoteRef.FromRef(new Ref(Node, 1)));
        Assert.NotEqual(a, RemoteRef.FromPid(new Pid(Node, 2)));
        Assert.NotEqual(a, RemoteRef.FromPid(new Pid(NodeName.Parse("n2@10.0.0.1"), 1)));
        Assert.True(RemoteRef.FromName("Srv", Node) != RemoteRef.FromName("srv", Node));
    }
}
