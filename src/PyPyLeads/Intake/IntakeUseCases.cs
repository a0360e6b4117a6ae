using Microsoft.Extensions.DependencyInjection;

namespace PyPyLeads.Intake;

public static class IntakeUseCases
{
    /// <summary>Reading the mailbox, and the triage inbox's use cases.</summary>
    public static IServiceCollection AddIntakeUseCases(this IServiceCollection services) => services
        .AddScoped<ImportMail>()
        .AddScoped<AttachMail>()
        .AddScoped<DismissMail>()
        .AddScoped<RestoreMail>()
        .AddScoped<CreateCompanyFromMail>()
        .AddScoped<MailToPresentationRequest>()
        .AddScoped<IntakeHealth>()
        .AddSingleton<IntakeHealthCache>()
        .AddScoped<IntakeJobs>()
        .AddSingleton<CheckMailbox>();
}
