using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.Companies;

public static class CompaniesUseCases
{
    /// <summary>The use cases of companies and their people (their validators are registered with every other in the assembly).</summary>
    public static IServiceCollection AddCompaniesUseCases(this IServiceCollection services) => services
        .AddScoped<LogContact>()
        .AddScoped<UploadCompanyImport>()
        .AddScoped<ConfirmCompanyImport>()
        .AddScoped<CreateCompany>()
        .AddScoped<EditCompany>()
        .AddScoped<DeleteCompany>()
        .AddScoped<RestoreCompany>()
        .AddScoped<MergeCompanies>()
        .AddScoped<AddPerson>()
        .AddScoped<EditPerson>()
        .AddScoped<MergePeople>()
        .AddScoped<ExportCompanies>();
}
