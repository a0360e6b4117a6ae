using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.Companies;

public static class LogContactAndImportUseCases
{
    /// <summary>The use cases that bring companies in: log a contact, import a CSV file (their validators are registered with every other in the assembly).</summary>
    public static IServiceCollection AddLogContactAndImportUseCases(this IServiceCollection services) =>
        services.AddScoped<LogContact>().AddScoped<UploadCompanyImport>().AddScoped<ConfirmCompanyImport>();
}
