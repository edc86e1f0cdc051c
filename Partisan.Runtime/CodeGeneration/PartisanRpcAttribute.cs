namespace Partisan;

/// <summary>
/// Marks an interface whose methods can be called on another node (partisan_rpc): the
/// Partisan.Generators source generator writes a client stub and a server binding (for <c>ICalculator</c>,
/// the static class <c>CalculatorRpc</c>; needs a reference to Partisan.Rpc). Methods return
/// <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or
/// <see cref="ValueTask{TResult}"/> (calls), or <see langword="void"/> (casts).
/// </summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false, AllowMultiple = false)]
public sealed class PartisanRpcAttribute : Attribute
{
}
