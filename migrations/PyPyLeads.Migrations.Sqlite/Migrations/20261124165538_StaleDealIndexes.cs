using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PyPyLeads.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class StaleDealIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Deals_Stage_LastActivityAtUtc",
                table: "Deals");

            migrationBuilder.CreateIndex(
                name: "IX_Timeline_AtUtc_SubjectType_CompanyId",
                table: "Timeline",
                columns: new[] { "AtUtc", "SubjectType", "CompanyId" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_Stage_LastActivityAtUtc_CompanyId",
                table: "Deals",
                columns: new[] { "Stage", "LastActivityAtUtc", "CompanyId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Timeline_AtUtc_SubjectType_CompanyId",
                table: "Timeline");

            migrationBuilder.DropIndex(
                name: "IX_Deals_Stage_LastActivityAtUtc_CompanyId",
                table: "Deals");

            migrationBuilder.CreateIndex(
                name: "IX_Deals_Stage_LastActivityAtUtc",
                table: "Deals",
                columns: new[] { "Stage", "LastActivityAtUtc" });
        }
    }
}
