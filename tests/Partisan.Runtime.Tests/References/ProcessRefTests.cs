using Partisan.Tests.Serialization;
using static Partisan.Tests.Serialization.WireTestKit;

namespace Partisan.Tests.References;

public class ProcessRefTests
{
    private static readonly NodeName Node = NodeName.Parse("p@host");

    [Theory]
    [InlineData("srv")]
    [InlineData("partisan_peer_service")]
    [InlineData("日本語")]
    [InlineData("with/slash@and#hash")]
    public void ForName_accepts_valid_names(string name)
    {
        var target = ProcessRef.ForName(name, Node);
        Assert.True(target.IsName);
        Assert.False(target.IsPid);
        Assert.Equal(name, target.Name);
        Assert.Equal(Node, target.Node);
        Assert.Equal(0, target.Id);
        Assert.Equal($"{{{name}, p@host}}", target.ToString());
    }

    [Fact]
    public void ForName_accepts_generated_names() =>
        Check(Gens.RegisteredName, name => Assert.Equal(name, ProcessRef.ForName(name, Node).Name));

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("a:b", "contains a colon")]
    [InlineData("a b", "white space")]
    [InlineData("tab\t", "control character")]
    [InlineData("nul\0", "control character")]
    [InlineData("nbsp\u00A0", "white space")]
    public void ForName_refuses_invalid_names(string name, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => ProcessRef.ForName(name, Node));
        Assert.Equal("name", ex.ParamName);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForName_refuses_null_and_overlong_names()
    {
        Assert.Throws<ArgumentException>(() => ProcessRef.ForName(null!, Node));
        Assert.Equal(new string('x', 255), ProcessRef.ForName(new string('x', 255), Node).Name);
        var ex = Assert.Throws<ArgumentException>(() => ProcessRef.ForName(new string('x', 256), Node));
        Assert.Contains("at most 255", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pid_converts_implicitly_and_back()
    {
        var pid = new Pid(Node, 42);
        ProcessRef target = pid;
        Assert.True(target.IsPid);
        Assert.Equal(pid, target.Pid);
        Assert.Equal(ProcessRef.ForPid(pid), target);
        Assert.Equal(pid.ToString(), target.ToString());
        Assert.Throws<InvalidOperationException>(() => ProcessRef.ForName("srv", Node).Pid);
    }

    [Fact]
    public void Pids_and_names_are_never_equal()
    {
        var byName = ProcessRef.ForName("srv", Node);
        Assert.NotEqual((ProcessRef)new Pid(Node, 0), byName);
        Assert.Equal(ProcessRef.ForName("srv", Node), byName);
        Assert.Equal(ProcessRef.ForName("srv", Node).GetHashCode(), byName.GetHashCode());
        Assert.True(ProcessRef.ForName("srv", NodeName.Parse("q@host")) != byName);
    }
}
