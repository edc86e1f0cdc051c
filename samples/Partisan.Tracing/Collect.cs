using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Partisan.Tracing;

/// <summary>Keeps every span that ended, so the sample can check they form one trace.</summary>
internal sealed class Collect(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data) => spans.Enqueue(data);
}
