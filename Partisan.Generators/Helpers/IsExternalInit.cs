// netstandard2.0 has no IsExternalInit; the compiler needs it for records and init accessors.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
