using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.Submissions;

public static class SubmissionsUseCases
{
    /// <summary>The submission store every create use case runs through, and its prune job.</summary>
    public static IServiceCollection AddSubmissions(this IServiceCollection services) =>
        services.AddScoped<SubmissionStore>().AddScoped<SubmissionJobs>();
}
