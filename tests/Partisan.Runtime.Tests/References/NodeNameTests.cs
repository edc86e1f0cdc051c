using FsCheck.Fluent;
using Partisan.Tests.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.References;

public class NodeNameTests
{
    [Theory]
    [InlineData("a@b", "a", "b")]
    [InlineData("node1@127.0.0.1", "node1", "127.0.0.1")]
    [InlineData("my_node-2.x@host.example.com", "my_node-2.x", "host.example.com")]
    [InlineData("UPPER@Case", "UPPER", "Case")]
    public void Valid_names_parse_into_name_and_host(string text, string name, string host)
    {
        NodeName node = NodeName.Parse(text);
        Assert.Equal(text, node.Value);
        Assert.Equal(name, node.Name);
        Assert.Equal(host, node.Host);
        Assert.Equal(text, node.ToString());
        Assert.False(node.IsDefault);
        Assert.Null(NodeName.Validate(text));
        Assert.True(NodeName.TryParse(text, out NodeName tried));
        Assert.Equal(node, tried);
        Assert.Equal(node, NodeName.Create(name, host));
    }

    [Fact]
    public void Generated_names_are_valid_and_split_back() =>
        Check(Gens.NodeName, node =>
        {
            Assert.Equal(node.Value, node.Name + "@" + node.Host);
            Assert.Equal(node, NodeName.Parse(node.Value));
        });

    [Fact]
    public void The_longest_accepted_name_is_255_characters()
    {
        string longest = new string('n', 127) + "@" + new string('h', 127);
        Assert.Equal(NodeName.MaxLength, longest.Length);
        Assert.Equal(longest, NodeName.Parse(longest).Value);
        var ex = Assert.Throws<FormatException>(() => NodeName.Parse(longest + "h"));
        Assert.Contains("256 characters long; at most 255", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("nohost", "expected exactly one '@'")]
    [InlineData("a@b@c", "expected exactly one '@'")]
    [InlineData("@host", "the part before '@' is empty")]
    [InlineData("name@", "the host after '@' is empty")]
    [InlineData("a b@c", "character ' ' at position 1 is not allowed")]
    [InlineData("a@b:c", "character ':' at position 3 is not allowed")]
    [InlineData("ü@h", "character 'ü' at position 0 is not allowed")]
    [InlineData("a@[::1]", "character '[' at position 2 is not allowed")]
    [InlineData("a@b/c", "character '/' at position 3 is not allowed")]
    public void Invalid_names_are_rejected_with_a_reason(string text, string reason)
    {
        string? error = NodeName.Validate(text);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Equal(error, Assert.Throws<FormatException>(() => NodeName.Parse(text)).Message);
        Assert.False(NodeName.TryParse(text, out NodeName name));
        Assert.True(name.IsDefault);
    }

    [Fact]
    public void Null_is_rejected()
    {
        Assert.NotNull(NodeName.Validate(null));
        Assert.False(NodeName.TryParse(null, out _));
        Assert.Throws<FormatException>(() => NodeName.Parse(null!));
    }

    [Fact]
    public void Control_characters_are_shown_escaped_in_messages()
    {
        string? error = NodeName.Validate("a@b\n");
        Assert.NotNull(error);
        Assert.Contains("U+000A", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Any_character_outside_the_allowed_set_is_rejected() =>
        Check(
            from c in Gens.Char.Where(c => !char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-' and not '.' and not '@')
            from position in Gen.Choose(0, 2)
            select (c, position),
            input =>
            {
                string text = input.position switch
                {
                    0 => input.c + "a@b",
                    1 => "a" + input.c + "@b",
                    _ => "a@b" + input.c,
                };
                Assert.NotNull(NodeName.Validate(text));
            },
            300);

    [Fact]
    public void Create_validates_both_parts()
    {
        Assert.Throws<FormatException>(() => NodeName.Create("a@b", "c"));
        Assert.Throws<FormatException>(() => NodeName.Create(string.Empty, "c"));
        Assert.Throws<FormatException>(() => NodeName.Create("a", string.Empty));
    }

    [Fact]
    public void The_default_value_is_recognisable_and_has_no_parts()
    {
        NodeName none = default;
        Assert.True(none.IsDefault);
        Assert.Equal("<none>", none.ToString());
        Assert.Throws<InvalidOperationException>(() => none.Value);
        Assert.Throws<InvalidOperationException>(() => none.Name);
        Assert.Throws<InvalidOperationException>(() => none.Host);
        Assert.Equal(default, none);
        Assert.NotEqual(NodeName.Parse("a@b"), none);
    }

    [Fact]
    public void Equality_and_ordering_are_ordinal()
    {
        var lower = NodeName.Parse("a@b");
        var upper = NodeName.Parse("A@b");
        Assert.NotEqual(lower, upper);
        Assert.Equal(lower, NodeName.Parse("a@b"));
        Assert.Equal(lower.GetHashCode(), NodeName.Parse("a@b").GetHashCode());
        Assert.True(upper < lower);
        Assert.True(lower > upper);
        Assert.True(lower >= NodeName.Parse("a@b"));
        Assert.True(upper <= lower);
        Assert.True(default(NodeName) < upper);
        Assert.Equal(
            new[] { "A@b", "a@a", "a@b", "b@a" },
            new[] { "b@a", "a@b", "A@b", "a@a" }.Select(NodeName.Parse).Order().Select(n => n.Value));
    }
}
