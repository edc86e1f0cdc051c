
namespace Partisan.Behaviours.Tests.GenStatem;

/// <summary><see cref="Transition{TState}"/>, what [PartisanStateMachine] handlers return, and its mapping to the engine's transition.</summary>
public class TransitionOfStateTests
{
    private enum Light { Red, Green }

    private sealed class Data;

    [Fact]
    public void Default_keeps_state_and_data()
    {
        Transition<Light> keep = default;
        Assert.Equal(TransitionKind.Keep, keep.Kind);
        Assert.Equal(Transition<Light>.Keep(), keep);
        Assert.Empty(keep.Actions);
        Transition<Light, Data> engine = keep.KeepingData<Data>();
        Assert.Equal((TransitionKind.Keep, true), (engine.Kind, engine.KeepsData));
    }

    [Fact]
    public void Kinds_and_actions_carry_over_keeping_the_data()
    {
        Transition<Light, Data> next = Transition<Light>.Next(Light.Green).StateTimeout(TimeSpan.FromSeconds(1), "t").Postpone().KeepingData<Data>();
        Assert.Equal((TransitionKind.Next, Light.Green, true), (next.Kind, next.State, next.KeepsData));
        Assert.Equal([typeof(StatemAction.SetStateTimeout), typeof(StatemAction.Postpone)], next.Actions.Select(a => a.GetType()));

        Assert.Equal(TransitionKind.Repeat, Transition<Light>.Repeat().KeepingData<Data>().Kind);
        Transition<Light, Data> stop = Transition<Light>.Stop(new ExitReason("done")).KeepingData<Data>();
        Assert.Equal((TransitionKind.Stop, new ExitReason("done")), (stop.Kind, stop.StopReason));
    }

    [Fact]
    public void With_data_gives_init_its_data()
    {
        var data = new Data();
        Transition<Light, Data> init = Transition<Light>.Next(Light.Red).EventTimeout(TimeSpan.FromSeconds(2)).WithData(data);
        Assert.Equal((TransitionKind.Next, Light.Red, false), (init.Kind, init.State, init.KeepsData));
        Assert.Same(data, init.Data);
        Assert.IsType<StatemAction.SetEventTimeout>(Assert.Single(init.Actions));
    }

    [Fact]
    public void Actions_are_immutable_values()
    {
        Transition<Light> first = Transition<Light>.Next(Light.Green);
        Transition<Light> second = first.NextEvent("e").GenericTimeout("g", TimeSpan.FromSeconds(1)).Hibernate();
        Assert.Empty(first.Actions);
        Assert.Equal(3, second.Actions.Count);
        Assert.NotEqual(first, second);
        Assert.Equal("Next(Green)", first.ToString());
    }
}
